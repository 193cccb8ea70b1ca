// tweetsodium 0.0.5 ships types with no default export, and they say sealOpen never returns null: these replace them.
declare module 'tweetsodium' {
  /** libsodium's crypto_box_seal: ephemeral public key ‖ box, 48 bytes longer than the message. */
  export function seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array
  /** libsodium's crypto_box_seal_open; null when the box does not open. Throws on a ciphertext shorter than 32 bytes. */
  export function sealOpen(ciphertext: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null
  /** 48: the ephemeral public key and the box's MAC. */
  export const overheadLength: number
  const tweetsodium: { seal: typeof seal; sealOpen: typeof sealOpen; overheadLength: number }
  export default tweetsodium
}
