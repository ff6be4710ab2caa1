// What an uploaded evidence file really is, from its first bytes (magic
// numbers), never from its name or the browser's claim: a program renamed
// report.pdf is refused.

export const EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;

export const EVIDENCE_TYPES = {
  'application/pdf': 'PDF',
  'image/png': 'PNG 图片',
  'image/jpeg': 'JPEG 图片',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word 文档（.docx）',
  'application/msword': 'Word 文档（.doc）',
} as const;

export type EvidenceMediaType = keyof typeof EVIDENCE_TYPES;

const startsWith = (bytes: Buffer, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // Compound File Binary (.doc, .xls, .ppt, .msi)

/** The media type of `bytes`, or null when it is none of the accepted kinds. */
export function detectEvidenceType(bytes: Buffer): EvidenceMediaType | null {
  if (startsWith(bytes, PDF)) return 'application/pdf';
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  // A .docx is a ZIP whose entries include word/document.xml; entry names are
  // stored uncompressed in the local headers and the central directory.
  if (startsWith(bytes, ZIP) && bytes.includes('word/document.xml', 0, 'latin1')) {
    return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  }
  // A .doc is a compound file holding a "WordDocument" stream (its directory
  // names are UTF-16LE); Excel and installer files share the container.
  if (startsWith(bytes, OLE) && bytes.includes(Buffer.from('WordDocument', 'utf16le'))) return 'application/msword';
  return null;
}

export const ACCEPTED_EVIDENCE = Object.values(EVIDENCE_TYPES).join('、');
