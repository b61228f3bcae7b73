/**
 * V8 flags the API's processes run with. V8 sizes its heap when the process starts, so these go on
 * the command line: `pnpm start` passes them, and so does the cluster primary to its workers.
 *
 * `--max-semi-space-size=32`: a young generation twice V8's default of 16 MiB a semi-space. An
 * authenticated read allocates about 34 KB, so at full load the default filled the young
 * generation every ~40 ms and each scavenge held every request in flight for 1 to 2 ms; with 32
 * MiB there are half as many, at up to 32 MiB more memory a process.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** The flag's name, as V8 reads it: `--max-semi-space-size` of `--max_semi_space_size=32`. */
const flagName = (flag: string): string => flag.split('=', 1)[0]!.replaceAll('_', '-');

/**
 * {@link API_NODE_FLAGS} less those the operator already set, on the command line (`execArgv`) or in
 * `NODE_OPTIONS`, so that V8 gets the operator's value of a flag, never both.
 */
export function apiNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map(flagName);
  return API_NODE_FLAGS.filter((flag) => !given.includes(flagName(flag)));
}
