/** A TNEF container (winmail.dat) as Outlook writes it, with the files given: for tests. */
export function tnefContainer(files: { title: string; longName?: string; data: Buffer }[]): Buffer {
  const record = (level: number, id: number, type: number, data: Buffer) => {
    const head = Buffer.alloc(9);
    head.writeUInt8(level, 0);
    head.writeUInt16LE(id, 1);
    head.writeUInt16LE(type, 3);
    head.writeUInt32LE(data.length, 5);
    const sum = Buffer.alloc(2);
    sum.writeUInt16LE(data.reduce((a, b) => (a + b) & 0xffff, 0));
    return Buffer.concat([head, data, sum]);
  };
  const signature = Buffer.alloc(6);
  signature.writeUInt32LE(0x223e9f78, 0);
  signature.writeUInt16LE(0x0001, 4);
  const version = Buffer.alloc(4);
  version.writeUInt32LE(0x00010000);
  const out = [signature, record(1, 0x9006, 0x0008, version), record(1, 0x8008, 0x0007, Buffer.from('IPM.Microsoft Mail.Note\0'))];
  for (const f of files) {
    out.push(record(2, 0x9002, 0x0006, Buffer.alloc(14)));
    out.push(record(2, 0x8010, 0x0001, Buffer.from(`${f.title}\0`, 'latin1')));
    out.push(record(2, 0x800f, 0x0006, f.data));
    if (f.longName) {
      // MAPI properties: one PT_UNICODE PR_ATTACH_LONG_FILENAME.
      const name = Buffer.from(`${f.longName}\0`, 'utf16le');
      const padded = Buffer.concat([name, Buffer.alloc((4 - (name.length % 4)) % 4)]);
      const props = Buffer.alloc(16);
      props.writeUInt32LE(1, 0);
      props.writeUInt16LE(0x001f, 4);
      props.writeUInt16LE(0x3707, 6);
      props.writeUInt32LE(1, 8);
      props.writeUInt32LE(name.length, 12);
      out.push(record(2, 0x9005, 0x0006, Buffer.concat([props, padded])));
    }
  }
  return Buffer.concat(out);
}
