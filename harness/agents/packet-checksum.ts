/**
 * RFC 1071 Internet checksum and the TCP/IPv4 pseudo-header. Pure: no native code, so it
 * is unit-testable without root (the tests cross-check it against raw-socket's C version).
 */

/**
 * One's-complement sum of `parts` read as ONE byte stream (an odd-length part does not
 * re-align the next one), folded to 16 bits. Not complemented: 0..0xffff.
 * Use this to chain partial sums; `internetChecksum` is its complement.
 */
export function onesComplementSum(...parts: Buffer[]): number {
  let sum = 0;
  let odd = false;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const byte = part[i] as number;
      sum += odd ? byte : byte << 8;
      odd = !odd;
    }
    // Fold now and then so `sum` stays far below 2^53 on any realistic input.
    if (sum > 0xffffffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * RFC 1071 checksum of `parts` (one byte stream, odd tail padded with a zero byte):
 * the 16-bit one's complement of their one's-complement sum. Writing it into a zeroed
 * checksum field makes the whole covered data sum to 0xffff (see `onesComplementSum`).
 */
export function internetChecksum(...parts: Buffer[]): number {
  return ~onesComplementSum(...parts) & 0xffff;
}

/**
 * The 12-byte TCP/IPv4 pseudo-header: source and destination address (4 bytes each),
 * a zero byte, protocol 6, and the TCP length (header + payload) in bytes.
 */
export function tcpPseudoHeader(srcIp: Buffer, dstIp: Buffer, tcpLength: number): Buffer {
  const pseudo = Buffer.alloc(12);
  srcIp.copy(pseudo, 0, 0, 4);
  dstIp.copy(pseudo, 4, 0, 4);
  pseudo[9] = 6;
  pseudo.writeUInt16BE(tcpLength, 10);
  return pseudo;
}

/**
 * TCP checksum of `tcpSegment` (header + payload, checksum field included as it is: zero
 * it first when computing a fresh checksum) over the pseudo-header of `srcIp`/`dstIp`.
 * For a segment whose checksum field is already correct, the result is 0.
 */
export function tcpChecksum(srcIp: Buffer, dstIp: Buffer, tcpSegment: Buffer): number {
  return internetChecksum(tcpPseudoHeader(srcIp, dstIp, tcpSegment.length), tcpSegment);
}
