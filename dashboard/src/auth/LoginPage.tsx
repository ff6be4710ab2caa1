// 登录: name and password; the server's message on failure (wrong name or
// password, too many attempts); back to the page that was open (`?next=`).

import { useEffect, useState } from 'react';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input } from 'antd';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/http';
import { DEV_TOKEN_URL } from '../api/token';
import { PLATFORM_TITLE } from '../shell/AppLayout';
import { useAuth } from './SessionContext';
import { safeNext } from './paths';

interface LoginForm {
  name: string;
  password: string;
}

/** Whether the server hands out development tokens (never in production): then `?role=` works. */
function useDevelopmentServer(): boolean {
  const [dev, setDev] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    fetch(DEV_TOKEN_URL, { signal: controller.signal }).then(
      (res) => setDev(res.ok),
      () => {},
    );
    return () => controller.abort();
  }, []);
  return dev;
}

export function LoginPage() {
  const { state, signIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const development = useDevelopmentServer();

  useEffect(() => {
    document.title = `登录 · ${PLATFORM_TITLE}`;
  }, []);

  // already signed in (another tab's link, the back button): go on
  if (state.status === 'signed-in' && !submitting) return <Navigate to={next} replace />;

  const submit = async ({ name, password }: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await signIn(name.trim(), password);
      navigate(next, { replace: true });
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <main className="login" data-testid="page-login">
      <Card className="login__card" title={<h1 className="login__title">{PLATFORM_TITLE}</h1>}>
        {state.status === 'signed-out' && state.reason === 'ended' && !error && (
          <Alert className="login__alert" type="warning" showIcon title="登录已失效，请重新登录" data-testid="login-ended" />
        )}
        {error && <Alert className="login__alert" type="error" showIcon title={error} data-testid="login-error" />}
        <Form<LoginForm> layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} disabled={submitting}>
          <Form.Item label="用户名" name="name" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-name" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} disabled={submitting} data-testid="login-submit">
            登录
          </Button>
        </Form>
        {development && (
          <p className="login__dev-note" data-testid="dev-note">
            开发模式：可使用 ?role= 切换角色
          </p>
        )}
      </Card>
    </main>
  );
}
