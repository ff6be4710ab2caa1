// A database relation ("schema"."identifier") as dbt's ref()/source()/this expose it.

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class Relation {
  readonly database: null = null;

  constructor(
    readonly schema: string,
    readonly identifier: string,
  ) {}

  /** dbt's Relation exposes both `identifier` and `name`. */
  get name(): string {
    return this.identifier;
  }

  /** Rendered form, used when a template outputs `{{ ref('x') }}`. */
  toString(): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(this.identifier)}`;
  }

  /** The same relation under another identifier (e.g. the `__new` build table). */
  withIdentifier(identifier: string): Relation {
    return new Relation(this.schema, identifier);
  }
}

/** PostgreSQL truncates identifiers to 63 bytes; keep derived names inside that limit. */
export function limitIdentifier(base: string, suffix: string): string {
  const max = 63 - Buffer.byteLength(suffix);
  let head = base;
  while (Buffer.byteLength(head) > max) head = head.slice(0, -1);
  return head + suffix;
}
