export interface HeaderProps {
  regionName: string;
  sample: boolean;
  periodText?: string | null;
}

export function Header({ regionName, sample, periodText }: HeaderProps) {
  return (
    <header className="app-header">
      <div className="app-header__title">
        <h1>社会救助领导驾驶舱</h1>
        {regionName && <span className="app-header__region">{regionName}</span>}
        {sample && (
          <span className="badge badge--sample" data-testid="sample-data-badge">
            示例数据
          </span>
        )}
      </div>
      {periodText && <div className="app-header__period">统计期：{periodText}</div>}
    </header>
  );
}
