/**
 * For tests: how many turns the event loop gave other work while `run` ran. A `setImmediate` chain
 * stands for the host's other work (a tracking request, a timer): it runs once per turn of the loop,
 * so work made of synchronous calls and microtasks alone leaves it none.
 */
export async function turnsDuring(run: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const turn = () => {
    turns += 1;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await run();
  running = false;
  return turns;
}
