/**
 * Types for the parts of raw-socket 1.8.1 (CommonJS, native) resetlab uses. Import it as
 * `import raw from 'raw-socket'` (the default import is module.exports). Creating a
 * socket needs root (CAP_NET_RAW); the checksum helpers do not.
 */
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  namespace raw {
    interface SocketOptions {
      /** IP protocol number, e.g. Protocol.TCP. Default 0. */
      protocol?: number;
      /** AddressFamily.IPv4 (default) or AddressFamily.IPv6. */
      addressFamily?: number;
      /** Receive buffer size in bytes; longer packets are cut to it. Default 4096. */
      bufferSize?: number;
    }

    /** A raw socket. For IPv4, every received packet includes its IPv4 header. */
    interface Socket extends EventEmitter {
      close(): this;
      pauseRecv(): this;
      resumeRecv(): this;
      pauseSend(): this;
      resumeSend(): this;
      /** Queues a send; with IP_HDRINCL `buffer` is a whole IPv4 packet. */
      send(
        buffer: Buffer,
        offset: number,
        length: number,
        address: string,
        afterCallback: (error: Error | null, bytes: number) => void,
      ): this;
      send(
        buffer: Buffer,
        offset: number,
        length: number,
        address: string,
        beforeCallback: () => void,
        afterCallback: (error: Error | null, bytes: number) => void,
      ): this;
      setOption(level: number, option: number, value: number | Buffer, length?: number): void;
      getOption(level: number, option: number, value: Buffer, length: number): number;
      on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
      on(event: 'error', listener: (error: Error) => void): this;
      on(event: 'close', listener: () => void): this;
    }

    interface BufferRange {
      buffer: Buffer;
      offset: number;
      length: number;
    }

    function createSocket(options?: SocketOptions): Socket;
    /** RFC 1071 checksum; each argument is summed from an even boundary of its own. */
    function createChecksum(...parts: Array<Buffer | BufferRange>): number;
    function writeChecksum(buffer: Buffer, offset: number, checksum: number): Buffer;
    function htonl(n: number): number;
    function htons(n: number): number;
    function ntohl(n: number): number;
    function ntohs(n: number): number;

    const AddressFamily: { readonly IPv4: 1; readonly IPv6: 2 };
    const Protocol: { readonly None: 0; readonly ICMP: 1; readonly TCP: 6; readonly UDP: 17; readonly ICMPv6: 58 };
    const SocketLevel: { readonly SOL_SOCKET: number; readonly IPPROTO_IP: number; readonly IPPROTO_IPV6: number };
    const SocketOption: {
      readonly SO_BROADCAST: number;
      readonly SO_RCVBUF: number;
      readonly SO_RCVTIMEO: number;
      readonly SO_SNDBUF: number;
      readonly SO_SNDTIMEO: number;
      readonly SO_BINDTODEVICE: number;
      readonly IP_HDRINCL: number;
      readonly IP_OPTIONS: number;
      readonly IP_TOS: number;
      readonly IP_TTL: number;
      readonly IPV6_TTL: number;
      readonly IPV6_UNICAST_HOPS: number;
      readonly IPV6_V6ONLY: number;
    };
  }

  export = raw;
}
