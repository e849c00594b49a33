/**
 * Fenced code blocks of a Markdown document (``` or ~~~ fences, CommonMark's rules for their opening and
 * closing lines), each with its info-string language, its 1-based line, and the block that follows it
 * with nothing but blank lines between.
 */
export interface CodeBlock {
  language: string;
  code: string;
  /** Line of the opening fence. */
  line: number;
  /** The next code block, when only blank lines separate the two. */
  next?: CodeBlock;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const blocks: CodeBlock[] = [];
  let lastEnd = -1; // index of the closing fence of the previous block
  for (let index = 0; index < lines.length; index++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/.exec(lines[index]!);
    if (!open) continue;
    const [, fence, language] = open;
    const close = new RegExp(`^ {0,3}${fence![0] === '`' ? '`' : '~'}{${fence!.length},}\\s*$`);
    let end = index + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    const block: CodeBlock = { language: language!.toLowerCase(), code: lines.slice(index + 1, end).join('\n'), line: index + 1 };
    const previous = blocks.at(-1);
    if (previous && lines.slice(lastEnd + 1, index).every((line) => line.trim() === '')) previous.next = block;
    blocks.push(block);
    lastEnd = end;
    index = end;
  }
  return blocks;
}

/**
 * The rows of the first table under a heading (the text up to the next heading of any level), as arrays
 * of trimmed cells; the header row and its separator are left out.
 */
export function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const end = lines.findIndex((line, index) => index > start && /^#{1,6} /.test(line));
  const section = lines.slice(start + 1, end < 0 ? undefined : end);
  const first = section.findIndex((line) => line.startsWith('|'));
  if (first < 0) return [];
  const rows: string[][] = [];
  for (const line of section.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}
