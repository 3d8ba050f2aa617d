import { Checkpoint } from '@takeover/event-store';

/** The adapter's checkpoint text: `<xid8 of the writing transaction>/<global position>`. */
export const toCheckpoint = (tx: string, position: string): Checkpoint => Checkpoint.unsafeOf(`${tx}/${position}`);

export const fromCheckpoint = (c: Checkpoint): readonly [tx: string, position: string] => {
  if (Checkpoint.isStart(c)) return ['0', '0'];
  const m = /^(\d+)\/(\d+)$/.exec(c);
  if (m?.[1] === undefined || m[2] === undefined) throw new TypeError(`not a checkpoint of the PostgreSQL store: ${c}`);
  return [m[1], m[2]];
};
