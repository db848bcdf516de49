// `graph [--format text|mermaid|dot]`: the dependency DAG.
import type { CommandModule } from 'yargs';
import { pathsFrom, stopWhenOutputCloses, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  format: 'text' | 'mermaid' | 'dot';
}

export const graphCommand: CommandModule<GlobalArgs, Args> = {
  command: 'graph',
  describe: 'The dependency graph, as text, Mermaid or Graphviz dot',
  builder: (y) =>
    y
      .option('format', { alias: 'f', choices: ['text', 'mermaid', 'dot'] as const, requiresArg: true, default: 'text' as const })
      .example('$0 graph', 'each task with its schedule and dependencies, dependencies first')
      .example('$0 graph --format dot | dot -Tsvg > dag.svg', 'draw it with Graphviz'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const [{ loadConfig }, { renderGraph }] = await Promise.all([
      import('../../app/loadConfig.js'),
      import('../../core/dag/renderGraph.js'),
    ]);
    process.stdout.write(renderGraph(loadConfig(pathsFrom(argv).config).config.tasks, argv.format));
  },
};
