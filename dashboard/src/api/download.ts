// Downloads a file of the API with the session's token (a link cannot send
// it): the server's Chinese error when it refuses.

export async function download(token: string, url: string, fileName: string): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: token } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error((body as { error?: string }).error ?? `下载失败（${response.status}）`);
  }
  const href = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
