// The bash completion script: the tables as case statements, and a function that walks the words
// before the cursor (skipping flags and their values, noting --home and --config) to the command
// path, then offers subcommands, flags, or a value: task names asked of the program itself at
// that moment (`completion --list-tasks`, with the --home/--config typed), files, or choices.
import type { CompletionTable, Entry } from './completionTable.js';
import { byValue, shQuote } from './shellQuote.js';

/** The script `source <(symphony-conductor completion bash)` loads. */
export function bashScript(table: CompletionTable): string {
  const p = table.prefix;
  const words = (entries: readonly Entry[]) => entries.map((e) => shQuote(e.name)).join(' ');
  const arms = (rows: [string, string][]) => rows.map(([label, body]) => `    ${label}) ${body} ;;`).join('\n');
  const keyed = (map: ReadonlyMap<string, string>) => {
    // A command's own flags first: a global arm (`*' --home'`) would match them too.
    const local = new Map([...map].filter(([key]) => !key.startsWith('* ')));
    const global = new Map([...map].filter(([key]) => key.startsWith('* ')));
    return [...byValue(local), ...byValue(global)].map(([kind, keys]): [string, string] => [
      keys.map((k) => (k.startsWith('* ') ? `*${shQuote(k.slice(1))}` : shQuote(k))).join('|'),
      `echo ${shQuote(kind)}`,
    ]);
  };
  return `# bash completion for ${table.program}, written by \`${table.program} completion bash\`.
# Commands and flags are this version's; task names are read from the config at each <Tab>.
# Load it with:  source <(${table.program} completion bash)
# or save it as ~/.local/share/bash-completion/completions/${table.program}

${p}_commands() {
  case "$1" in
${arms([...table.commands].map(([path, entries]) => [shQuote(path), `printf '%s\\n' ${words(entries)}`]))}
  esac
}

${p}_flags() {
  case "$1" in
${arms([...table.flags].map(([path, entries]) => [shQuote(path), `printf '%s\\n' ${words(entries)}`]))}
  esac
  printf '%s\\n' ${words(table.globalFlags)}
}

# "PATH FLAG" -> what the flag's value is (tasks, files, dirs, any, words:...); nothing: no value.
${p}_value() {
  case "$1 $2" in
${arms(keyed(table.values))}
  esac
}

# "PATH N" -> what the Nth positional argument is.
${p}_positional() {
  case "$1 $2" in
${arms(keyed(table.positionals))}
  esac
}

${p}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath='' pending='' word kind i n=0 home='' config=''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -n $pending ]]; then
      [[ $word == '=' ]] && continue
      case $pending in --home) home=$word ;; --config) config=$word ;; esac
      pending=''
    elif [[ $word == -*=* ]]; then
      case \${word%%=*} in --home) home=\${word#*=} ;; --config) config=\${word#*=} ;; esac
    elif [[ $word == -* ]]; then
      [[ -n $(${p}_value "$cmdpath" "$word") ]] && pending=$word
    elif [[ $'\\n'"$(${p}_commands "$cmdpath")"$'\\n' == *$'\\n'"$word"$'\\n'* ]]; then
      cmdpath="\${cmdpath:+$cmdpath }$word"
      n=0
    else
      n=$((n + 1))
    fi
  done
  if [[ -n $pending ]]; then
    [[ $cur == '=' ]] && cur=''
    kind=$(${p}_value "$cmdpath" "$pending")
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(${p}_flags "$cmdpath")" -- "$cur"))
    return
  else
    local subcommands
    subcommands=$(${p}_commands "$cmdpath")
    if [[ -n $subcommands ]]; then
      COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
      return
    fi
    kind=$(${p}_positional "$cmdpath" $((n + 1)))
  fi
  case $kind in
    tasks)
      local -a at=()
      [[ -n $home ]] && at+=(--home "\${home/#\\~/$HOME}")
      [[ -n $config ]] && at+=(--config "\${config/#\\~/$HOME}")
      COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" "\${at[@]}" completion --list-tasks 2>/dev/null)" -- "$cur")) ;;
    files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    words:*) COMPREPLY=($(compgen -W "\${kind#words:}" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}

complete -F ${p} ${table.program}
`;
}
