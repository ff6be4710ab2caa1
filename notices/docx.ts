// The notice as a Word document laid out as a Chinese government notice
// (GB/T 9704 in spirit): red issuing-unit header and rule, 文号, title,
// recipients, numbered sections in 仿宋 with 黑体 headings, tables with header
// rows, charts as PNG, issuing unit and date, and the 抄送 line.
import {
  AlignmentType, BorderStyle, Document, Footer, ImageRun, LineRuleType, Packer, PageNumber, Paragraph,
  Table, TableCell, TableRow, TextRun, VerticalAlign, WidthType, type IRunOptions,
} from 'docx';
import { renderChartPng } from './charts.ts';
import { chineseOrdinal, type NoticeChart, type NoticeDocument, type NoticeTable } from './document.ts';
import { chineseDate } from './format.ts';

const RED = 'C00000';
const FONTS = {
  body: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋_GB2312', cs: 'FangSong' },
  heading: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体', cs: 'SimHei' },
  kai: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '楷体_GB2312', cs: 'KaiTi' },
  title: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体', cs: 'SimSun' },
};
/** 三号 16 pt, 二号 22 pt, 小四 12 pt, 五号 10.5 pt (docx sizes are half-points). */
const SIZE = { body: 32, title: 44, header: 52, table: 21, small: 24 };
/** Fixed 28.9 pt lines, as notices print 22 lines a page. */
const LINE = { line: 578, lineRule: LineRuleType.EXACT };
const mm = (v: number) => Math.round(v * 56.7);

const run = (text: string, options: Partial<IRunOptions> = {}) => new TextRun({ text, font: FONTS.body, size: SIZE.body, ...options });

function body(text: string, options: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}): Paragraph {
  return new Paragraph({
    spacing: LINE,
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    indent: options.indent === false ? undefined : { firstLine: 640 },
    children: [run(text)],
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, keepNext: true, children: [run(text, { font: FONTS.heading })] });
}

function subheading(text: string): Paragraph {
  return new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, keepNext: true, children: [run(text, { font: FONTS.kai, bold: true })] });
}

function caption(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER, spacing: { before: 120, after: 60 }, keepNext: true,
    children: [new TextRun({ text, font: FONTS.heading, size: SIZE.small })],
  });
}

function tableOf(t: NoticeTable): Table {
  const cell = (text: string, header: boolean) => new TableCell({
    verticalAlign: VerticalAlign.CENTER,
    shading: header ? { fill: 'E7E6E6' } : undefined,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    children: [new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text, font: header ? FONTS.heading : FONTS.body, size: SIZE.table })],
    })],
  });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: t.columns.map((c) => cell(c, true)) }),
      ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c) => cell(c.text, false)) })),
    ],
  });
}

function chartBlock(chart: NoticeChart): Paragraph[] {
  const rendered = renderChartPng(chart);
  const width = 560;
  const height = Math.round((rendered.height / rendered.width) * width);
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER, keepNext: true,
      children: [new ImageRun({ type: 'png', data: rendered.png, transformation: { width, height }, altText: { name: chart.id, title: chart.caption, description: chart.caption } })],
    }),
    caption(rendered.legend ? `${chart.caption}（${rendered.legend}）` : chart.caption),
  ];
}

export interface DocxOptions {
  /** Shown instead of the 文号 while a draft. */
  draftMark?: string;
}

export async function renderDocx(doc: NoticeDocument, options: DocxOptions = {}): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [];
  let tableNo = 0;
  // 版头: issuing unit in red, 文号, red rule
  children.push(new Paragraph({
    alignment: AlignmentType.CENTER, spacing: { before: 200, after: 400 },
    children: [new TextRun({ text: doc.issuer, font: FONTS.title, size: SIZE.header, color: RED, bold: true, characterSpacing: 60 })],
  }));
  children.push(new Paragraph({
    alignment: AlignmentType.CENTER, spacing: { after: 120 },
    border: { bottom: { style: BorderStyle.THICK, size: 18, color: RED, space: 8 } },
    children: [run(doc.number ?? options.draftMark ?? '（文号签发时生成）')],
  }));
  children.push(new Paragraph({ spacing: { before: 400 }, children: [] }));
  // title and recipients
  children.push(new Paragraph({
    alignment: AlignmentType.CENTER, spacing: { after: 400, line: 700, lineRule: LineRuleType.EXACT },
    children: [new TextRun({ text: doc.title, font: FONTS.title, size: SIZE.title })],
  }));
  children.push(body(`${doc.recipients}：`, { indent: false }));
  children.push(body(doc.intro));

  doc.sections.forEach((section, i) => {
    children.push(heading(`${chineseOrdinal(i + 1)}、${section.heading}`));
    for (const p of section.paragraphs) children.push(body(p));
    if (section.type === 'problems') {
      children.push(subheading('（一）存在的问题'));
      if (section.problems.length === 0) children.push(body('本期未发现需要通报的问题。'));
      section.problems.forEach((p, k) => children.push(body(`${k + 1}. ${p.text}`)));
      children.push(subheading('（二）工作要求'));
      section.requirements.forEach((r, k) => children.push(body(`${k + 1}. ${r.text}`)));
    }
    for (const chart of section.charts) children.push(...chartBlock(chart));
    for (const t of section.tables) {
      tableNo++;
      children.push(caption(`表${tableNo} ${t.title}`));
      children.push(tableOf(t));
      if (t.note) children.push(new Paragraph({ children: [new TextRun({ text: `注：${t.note}`, font: FONTS.body, size: SIZE.table })] }));
    }
  });

  // issuing unit and date, right-aligned, then the 抄送 line
  const date = doc.issuedOn ? chineseDate(doc.issuedOn) : '（签发日期）';
  children.push(new Paragraph({ spacing: { before: 600, ...LINE }, children: [] }));
  children.push(body(doc.issuer, { indent: false, align: AlignmentType.RIGHT }));
  children.push(body(date, { indent: false, align: AlignmentType.RIGHT }));
  children.push(new Paragraph({ spacing: { before: 600 }, children: [] }));
  const ruled = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 };
  children.push(new Paragraph({ border: { top: ruled, bottom: ruled }, spacing: LINE, children: [run(`抄送：${doc.copyTo}。`, { size: 28 })] }));
  children.push(new Paragraph({
    border: { bottom: ruled }, spacing: LINE,
    children: [run(`${doc.issuer}办公室`, { size: 28 }), run(`\t${date}印发`, { size: 28 })],
    tabStops: [{ type: 'right', position: 8800 }],
  }));

  const document = new Document({
    creator: doc.issuer,
    title: doc.title,
    description: `${doc.period.label}${doc.kind === 'quarterly' ? '季度通报' : '月度通报'}`,
    styles: { default: { document: { run: { font: FONTS.body, size: SIZE.body } } } },
    sections: [{
      properties: { page: { margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } } },
      footers: {
        default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: 28 })] })] }),
      },
      children,
    }],
  });
  return Packer.toBuffer(document);
}
