/** Saving text as a file: the browser's download of a Blob, named `name`, of the media type `type`. */
export function download(name: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // Released once the download surely has its copy (some browsers read the Blob after click() returns).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
