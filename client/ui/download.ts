/** Saving text as a file: the browser's download of a Blob, named `name`. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download has its own copy once it started; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
