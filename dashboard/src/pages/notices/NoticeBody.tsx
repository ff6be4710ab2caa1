// A notice as it reads: header, numbered sections, figures (each with the Cube
// query it came from, on hover), tables and charts drawn from the same option
// builders as the dashboard and the .docx. Used by the reader and the print view.

import { Popover } from 'antd';
import './notices.css';
import { EChart } from '../../charts/EChart';
import { buildRankingOption, rankingChartHeight, type RankingInput } from '../../charts/ranking';
import { buildTrendOption, type TrendInput } from '../../charts/trend';
import type { Figure, NoticeChart, NoticeDocument, NoticeTable } from './notice-api';

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function QueryText({ queries }: { queries: unknown[] }) {
  return <pre className="notice-query">{queries.map((q) => JSON.stringify(q, null, 2)).join('\n\n')}</pre>;
}

function FigureLine({ figure }: { figure: Figure }) {
  return (
    <Popover title="Cube 查询（本期 / 上期 / 上年同期）" content={<QueryText queries={[figure.query, figure.previousQuery, figure.yearAgoQuery]} />} trigger={['hover', 'click']}>
      <span className="notice-figure" data-testid={`figure-${figure.member}`}>
        {figure.title}<b>{figure.text}</b>
        <small>（环比{figure.mom.text}，同比{figure.yoy.text}）</small>
      </span>
    </Popover>
  );
}

function TableBlock({ table, no }: { table: NoticeTable; no: number }) {
  return (
    <figure className="notice-table">
      <Popover title="Cube 查询" content={<QueryText queries={table.queries} />}>
        <figcaption>表{no} {table.title}</figcaption>
      </Popover>
      <table>
        <thead><tr>{table.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>{table.rows.map((r, i) => <tr key={i}>{r.map((c, k) => <td key={k}>{c.text}</td>)}</tr>)}</tbody>
      </table>
      {table.note && <p className="notice-note">注：{table.note}</p>}
    </figure>
  );
}

export function ChartBlock({ chart }: { chart: NoticeChart }) {
  const option = chart.kind === 'ranking' ? buildRankingOption(chart.input as unknown as RankingInput) : buildTrendOption(chart.input as unknown as TrendInput);
  const height = chart.kind === 'ranking' ? rankingChartHeight((chart.input as unknown as RankingInput).regions.length) : 280;
  return (
    <figure className="notice-chart">
      <EChart option={{ ...option, animation: false }} height={height} ariaLabel={chart.caption} />
      <figcaption>{chart.caption}</figcaption>
    </figure>
  );
}

export function NoticeBody({ doc, draftMark }: { doc: NoticeDocument; draftMark?: string }) {
  let tableNo = 0;
  return (
    <article className="notice-doc" data-testid="notice-doc">
      <header className="notice-header">
        <div className="notice-issuer">{doc.issuer}</div>
        <div className="notice-number">{doc.number ?? draftMark ?? '（文号签发时生成）'}</div>
      </header>
      <h1 className="notice-title">{doc.title}</h1>
      <p className="notice-recipients">{doc.recipients}：</p>
      <p>{doc.intro}</p>
      {doc.sections.map((s, i) => (
        <section key={s.type} className="notice-section" data-testid={`notice-section-${s.type}`}>
          <h2>{ORDINALS[i]}、{s.heading}</h2>
          {s.type === 'headline' && s.groups.map((g, k) => (
            <p key={g.title}>（{ORDINALS[k]}）{g.title}。{g.figures.map((f, j) => <span key={f.member}>{j > 0 && '；'}<FigureLine figure={f} /></span>)}。</p>
          ))}
          {s.type !== 'headline' && s.paragraphs.map((p, k) => <p key={k}>{p}</p>)}
          {s.type === 'problems' && (
            <>
              <h3>（一）存在的问题</h3>
              {s.problems.length === 0 ? <p>本期未发现需要通报的问题。</p> : s.problems.map((p, k) => <p key={p.id}>{k + 1}. {p.text}</p>)}
              <h3>（二）工作要求</h3>
              {s.requirements.map((r, k) => <p key={r.id}>{k + 1}. {r.text}</p>)}
            </>
          )}
          {s.charts.map((c) => <ChartBlock key={c.id} chart={c} />)}
          {s.tables.map((t) => <TableBlock key={t.id} table={t} no={++tableNo} />)}
        </section>
      ))}
      <footer className="notice-footer">
        <p className="notice-sign">{doc.issuer}</p>
        <p className="notice-sign">{doc.issuedOn ? doc.issuedOn.replace(/^(\d{4})-0?(\d+)-0?(\d+)$/, '$1年$2月$3日') : '（签发日期）'}</p>
        <p className="notice-cc">抄送：{doc.copyTo}。</p>
      </footer>
    </article>
  );
}
