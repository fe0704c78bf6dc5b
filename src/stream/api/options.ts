/** Options every operator accepts. */
export interface NodeOptions {
  /** A display name (logs, metrics). */
  readonly name?: string;
  /**
   * A stable id for the operator's state in checkpoints and savepoints. Set it on stateful
   * operators whose state must survive changes to the job.
   */
  readonly uid?: string;
}
