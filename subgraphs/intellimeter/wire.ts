import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import YAML from 'yaml';
import type { FileType, ResponseType } from './contract.js';

/**
 * Intellimeter's three wire formats for every JSON route (`responseType=json|xml|yaml`), shared by the
 * simulator (encoding) and the connector (decoding). XML is Python dicttoxml's shape: a `<Response>` root
 * whose elements carry their type (`<uuid type="int">1</uuid>`), lists as `<item type="dict">` children.
 */
export const MIME_TYPES: Record<FileType, string> = {
  json: 'application/json',
  xml: 'application/xml',
  yaml: 'application/x-yaml',
  csv: 'text/csv',
};

const ATTRIBUTE_PREFIX = '@_';
const TEXT = '#text';

type XmlNode = Record<string, unknown>;

/** A JSON-like value as dicttoxml's typed elements (builder input for fast-xml-parser). */
function toXmlNode(value: unknown): XmlNode {
  if (value === null || value === undefined) return { [`${ATTRIBUTE_PREFIX}type`]: 'null', [TEXT]: '' };
  if (typeof value === 'boolean') return { [`${ATTRIBUTE_PREFIX}type`]: 'bool', [TEXT]: value ? 'True' : 'False' };
  if (typeof value === 'number') return { [`${ATTRIBUTE_PREFIX}type`]: Number.isInteger(value) ? 'int' : 'float', [TEXT]: String(value) };
  if (typeof value === 'string') return { [`${ATTRIBUTE_PREFIX}type`]: 'str', [TEXT]: value };
  if (Array.isArray(value)) return { [`${ATTRIBUTE_PREFIX}type`]: 'list', item: value.map(toXmlNode) };
  const node: XmlNode = { [`${ATTRIBUTE_PREFIX}type`]: 'dict' };
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) node[key] = toXmlNode(child);
  return node;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: ATTRIBUTE_PREFIX, textNodeName: TEXT });

/** `<?xml …?><Response>…</Response>`: an object's keys, or a list's `<item>`s, directly under the root. */
export function encodeXml(value: unknown): string {
  const node = toXmlNode(value);
  delete node[`${ATTRIBUTE_PREFIX}type`];
  return `<?xml version="1.0" encoding="UTF-8" ?>${builder.build({ Response: node })}`;
}

export function encodeYaml(value: unknown): string {
  return YAML.stringify(value);
}

export function encode(type: ResponseType, value: unknown): string {
  if (type === 'xml') return encodeXml(value);
  if (type === 'yaml') return encodeYaml(value);
  return JSON.stringify(value);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT,
  // Keep every text as written: the `type` attribute, not the parser's guess, decides what it is.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => name === 'item',
});

/** Thrown for a body that is not well-formed in its format; the connector turns it into an upstream error. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

/** Parses a dicttoxml document back into the JSON value it encodes, using the elements' `type` attributes. */
export function decodeXml(text: string): unknown {
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text, true) as Record<string, unknown>;
  } catch (error) {
    throw new WireFormatError(`not well-formed XML (${(error as Error).message})`);
  }
  const rootName = Object.keys(document).find((key) => key !== '?xml');
  if (!rootName) throw new WireFormatError('XML without a root element');
  const root = document[rootName];
  if (root === '' || root === undefined || root === null) return {};
  if (typeof root !== 'object') throw new WireFormatError('XML root holds text instead of elements');
  return fromContainer(root as XmlNode, 'root');
}

function childrenOf(node: XmlNode): Array<[string, unknown]> {
  return Object.entries(node).filter(([key]) => !key.startsWith(ATTRIBUTE_PREFIX) && key !== TEXT);
}

/** The root is a list when it holds only `<item>`s (dicttoxml's list), otherwise an object. */
function fromContainer(node: XmlNode, type: 'root' | 'dict' | 'list'): unknown {
  const children = childrenOf(node);
  const isList = type === 'list' || (type === 'root' && children.length > 0 && children.every(([key]) => key === 'item'));
  if (isList) return children.flatMap(([, value]) => (Array.isArray(value) ? value : [value])).map(fromTyped);
  const out: Record<string, unknown> = {};
  for (const [key, value] of children) out[key] = fromTyped(Array.isArray(value) ? value[0] : value);
  return out;
}

function fromTyped(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node === undefined ? null : node; // untyped text
  const element = node as XmlNode;
  const type = String(element[`${ATTRIBUTE_PREFIX}type`] ?? 'str');
  const text = typeof element[TEXT] === 'string' ? (element[TEXT] as string) : '';
  switch (type) {
    case 'int':
    case 'float': {
      const number = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(number)) throw new WireFormatError(`"${text}" is not a number`);
      return number;
    }
    case 'bool':
      return /^true$/i.test(text.trim());
    case 'null':
      return null;
    case 'str':
      return text;
    case 'dict':
      return fromContainer(element, 'dict');
    case 'list':
      return fromContainer(element, 'list');
    default:
      throw new WireFormatError(`unknown XML element type "${type}"`);
  }
}

export function decodeYaml(text: string): unknown {
  try {
    return YAML.parse(text) ?? {};
  } catch (error) {
    throw new WireFormatError(`not valid YAML (${(error as Error).message})`);
  }
}

export function decodeJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WireFormatError(`not valid JSON (${(error as Error).message})`);
  }
}

export function decode(type: ResponseType, text: string): unknown {
  if (type === 'xml') return decodeXml(text);
  if (type === 'yaml') return decodeYaml(text);
  return decodeJson(text);
}
