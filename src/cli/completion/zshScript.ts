// The zsh completion script: the same tables and walk as bashScript, written for zsh (1-based
// `words`, `CURRENT`, `--flag=value` words kept whole), offering commands and flags with their
// descriptions through _describe, files through _files, task names through compadd. Works when
// sourced after compinit and when saved as `_symphony-conductor` in a folder of $fpath.
import type { CompletionTable, Entry } from './completionTable.js';
import { byValue, shQuote } from './shellQuote.js';

/** The script `source <(symphony-conductor completion zsh)` loads. */
export function zshScript(table: CompletionTable): string {
  const p = table.prefix;
  const described = (entries: readonly Entry[]) => entries.map((e) => shQuote(`${e.name.replace(/:/g, '\\:')}:${e.describe}`)).join(' ');
  const arms = (rows: [string, string][]) => rows.map(([label, body]) => `    ${label}) ${body} ;;`).join('\n');
  const keyed = (map: ReadonlyMap<string, string>) => {
    const local = new Map([...map].filter(([key]) => !key.startsWith('* ')));
    const global = new Map([...map].filter(([key]) => key.startsWith('* ')));
    return [...byValue(local), ...byValue(global)].map(([kind, keys]): [string, string] => [
      `(${keys.map((k) => (k.startsWith('* ') ? `*${shQuote(k.slice(1))}` : shQuote(k))).join('|')})`,
      `echo ${shQuote(kind)}`,
    ]);
  };
  return `#compdef ${table.program}
# zsh completion for ${table.program}, written by \`${table.program} completion zsh\`.
# Commands and flags are this version's; task names are read from the config at each <Tab>.
# Load it with:  source <(${table.program} completion zsh)   (after compinit)
# or save it as _${table.program} in a folder of your $fpath.

${p}_commands() {
  case "$1" in
${arms([...table.commands].map(([path, entries]) => [`(${shQuote(path)})`, `printf '%s\\n' ${described(entries)}`]))}
  esac
}

${p}_flags() {
  case "$1" in
${arms([...table.flags].map(([path, entries]) => [`(${shQuote(path)})`, `printf '%s\\n' ${described(entries)}`]))}
  esac
  printf '%s\\n' ${described(table.globalFlags)}
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
  local cur=\${words[CURRENT]} cmdpath='' pending='' word kind i n=0 home='' config=''
  local -a items names at
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ -n $pending ]]; then
      case $pending in (--home) home=$word ;; (--config) config=$word ;; esac
      pending=''
    elif [[ $word == -*=* ]]; then
      case \${word%%=*} in (--home) home=\${word#*=} ;; (--config) config=\${word#*=} ;; esac
    elif [[ $word == -* ]]; then
      [[ -n $(${p}_value "$cmdpath" "$word") ]] && pending=$word
    else
      names=(\${\${(f)"$(${p}_commands "$cmdpath")"}%%:*})
      if (( \${names[(Ie)$word]} )); then
        cmdpath="\${cmdpath:+$cmdpath }$word"
        n=0
      else
        n=$((n + 1))
      fi
    fi
  done
  if [[ -z $pending && $cur == -*=* ]]; then
    pending=\${cur%%=*}
    compset -P '*='
  fi
  if [[ -n $pending ]]; then
    kind=$(${p}_value "$cmdpath" "$pending")
  elif [[ $cur == -* ]]; then
    items=(\${(f)"$(${p}_flags "$cmdpath")"})
    _describe -t options option items
    return
  else
    items=(\${(f)"$(${p}_commands "$cmdpath")"})
    if (( \${#items} )); then
      _describe -t commands command items
      return
    fi
    kind=$(${p}_positional "$cmdpath" $((n + 1)))
  fi
  case $kind in
    (tasks)
      [[ -n $home ]] && at+=(--home "\${home/#\\~/$HOME}")
      [[ -n $config ]] && at+=(--config "\${config/#\\~/$HOME}")
      items=(\${(f)"$(\${words[1]} $at completion --list-tasks 2>/dev/null)"})
      compadd -a items ;;
    (files) _files ;;
    (dirs) _files -/ ;;
    (words:*) items=(\${=kind#words:}); compadd -a items ;;
  esac
}

if [[ \${funcstack[1]} == _${table.program} ]]; then
  ${p} "$@"
else
  compdef ${p} ${table.program}
fi
`;
}
