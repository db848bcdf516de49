// The fish completion script: the same tables and walk as bashScript, in fish, as one function
// that prints the candidates (with descriptions, `name<TAB>text`) for the command line so far;
// fish filters them by the word under the cursor. `--flag=value` words are completed whole.
import type { CompletionTable, Entry } from './completionTable.js';
import { byValue, fishQuote } from './shellQuote.js';

/** The script `symphony-conductor completion fish | source` loads. */
export function fishScript(table: CompletionTable): string {
  const p = table.prefix;
  const described = (entries: readonly Entry[]) => entries.map((e) => fishQuote(`${e.name}\t${e.describe}`)).join(' ');
  const arms = (rows: [string, string][]) => rows.map(([label, body]) => `        case ${label}\n            ${body}`).join('\n');
  const keyed = (map: ReadonlyMap<string, string>) => {
    const local = new Map([...map].filter(([key]) => !key.startsWith('* ')));
    const global = new Map([...map].filter(([key]) => key.startsWith('* ')));
    return [...byValue(local), ...byValue(global)].map(([kind, keys]): [string, string] => [
      keys.map((k) => (k.startsWith('* ') ? `'*'${fishQuote(k.slice(1))}` : fishQuote(k))).join(' '),
      `echo ${fishQuote(kind)}`,
    ]);
  };
  return `# fish completion for ${table.program}, written by \`${table.program} completion fish\`.
# Commands and flags are this version's; task names are read from the config at each <Tab>.
# Load it with:  ${table.program} completion fish | source
# or save it as ~/.config/fish/completions/${table.program}.fish

function ${p}_commands
    switch "$argv[1]"
${arms([...table.commands].map(([path, entries]) => [fishQuote(path), `printf '%s\\n' ${described(entries)}`]))}
    end
end

function ${p}_flags
    switch "$argv[1]"
${arms([...table.flags].map(([path, entries]) => [fishQuote(path), `printf '%s\\n' ${described(entries)}`]))}
    end
    printf '%s\\n' ${described(table.globalFlags)}
end

# "PATH FLAG" -> what the flag's value is (tasks, files, dirs, any, words:...); nothing: no value.
function ${p}_value
    switch "$argv[1] $argv[2]"
${arms(keyed(table.values))}
    end
end

# "PATH N" -> what the Nth positional argument is.
function ${p}_positional
    switch "$argv[1] $argv[2]"
${arms(keyed(table.positionals))}
    end
end

function ${p}
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmdpath ''
    set -l pending ''
    set -l home ''
    set -l config ''
    set -l n 0
    for word in $tokens[2..-1]
        if test -n "$pending"
            switch $pending
                case --home
                    set home $word
                case --config
                    set config $word
            end
            set pending ''
        else if string match -q -- '-*=*' $word
            set -l value (string replace -r '^[^=]*=' '' -- $word)
            switch (string replace -r '=.*' '' -- $word)
                case --home
                    set home $value
                case --config
                    set config $value
            end
        else if string match -q -- '-*' $word
            set -l takes (${p}_value "$cmdpath" $word)
            if test -n "$takes"
                set pending $word
            end
        else if contains -- $word (${p}_commands "$cmdpath" | string replace -r '\\t.*' '')
            set cmdpath (string trim -- "$cmdpath $word")
            set n 0
        else
            set n (math $n + 1)
        end
    end
    set -l prefix ''
    if test -z "$pending"; and string match -q -- '-*=*' $cur
        set pending (string replace -r '=.*' '' -- $cur)
        set prefix "$pending="
        set cur (string replace -r '^[^=]*=' '' -- $cur)
    end
    set -l kind ''
    if test -n "$pending"
        set kind (${p}_value "$cmdpath" $pending)
    else if string match -q -- '-*' $cur
        ${p}_flags "$cmdpath"
        return
    else
        set -l subcommands (${p}_commands "$cmdpath")
        if test (count $subcommands) -gt 0
            printf '%s\\n' $subcommands
            return
        end
        set kind (${p}_positional "$cmdpath" (math $n + 1))
    end
    switch "$kind"
        case tasks
            set -l at
            test -n "$home"; and set at $at --home $home
            test -n "$config"; and set at $at --config $config
            for task in ($tokens[1] $at completion --list-tasks 2>/dev/null)
                echo $prefix$task
            end
        case files
            for file in (__fish_complete_path $cur)
                echo $prefix$file
            end
        case dirs
            for dir in (__fish_complete_directories $cur)
                echo $prefix$dir
            end
        case 'words:*'
            for choice in (string split ' ' -- (string replace 'words:' '' -- $kind))
                echo $prefix$choice
            end
    end
end

complete -c ${table.program} -f -a '(${p})'
`;
}
