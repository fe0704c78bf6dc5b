/** One `rivulet` sub-command: its name, a one-line summary for `--help`, and what it runs. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage text printed by `rivulet <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}
