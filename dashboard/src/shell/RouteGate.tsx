// One page of the route table, if the role may open it.
import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useSession } from '../auth/SessionContext';
import { allows } from '../route-access';
import type { AppRoute } from '../routes';

export function RouteGate({ route }: { route: AppRoute }) {
  const { role } = useSession();
  if (!allows(route, role)) {
    return (
      <Result
        status="403"
        title="无权访问"
        subTitle={`当前角色无权访问“${route.title}”。`}
        extra={<Link to="/">返回领导驾驶舱</Link>}
        data-testid="page-forbidden"
      />
    );
  }
  const Page = route.page;
  return <Page />;
}

export function NotFound() {
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="地址有误或页面已移除。"
      extra={
        <Link to="/">
          <Button type="primary">返回领导驾驶舱</Button>
        </Link>
      }
      data-testid="page-not-found"
    />
  );
}
