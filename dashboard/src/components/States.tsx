// Loading, error and empty states.

export function Loading({ text = '加载中…', height }: { text?: string; height?: number }) {
  return (
    <div className="state state--loading" style={height ? { height } : undefined} data-testid="dashboard-loading" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      {text}
    </div>
  );
}

export function SkeletonCard() {
  return (
    <div className="card card--skeleton" aria-hidden="true">
      <div className="skeleton skeleton--title" />
      <div className="skeleton skeleton--value" />
      <div className="skeleton skeleton--line" />
      <div className="skeleton skeleton--line" />
    </div>
  );
}

export function ErrorState({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <div className="state state--error" role="alert" data-testid="dashboard-error">
      <strong>{title}</strong>
      <span className="state__message">{message}</span>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          重试
        </button>
      )}
    </div>
  );
}

export function EmptyState() {
  return (
    <div className="state state--empty" data-testid="dashboard-empty">
      <strong>暂无数据，请先导入数据</strong>
      <span className="state__message">
        在服务器上运行 <code>npm run etl -- load 目录</code> 导入源数据后刷新本页。
      </span>
    </div>
  );
}
