/**
 * The class's own lessons (heloterm --lessons), served beside the page: listed after the built-in ones once here.
 * Read as any input: a file the bridge checked, but a page does not take it on trust (shared/lessons/lesson-file.ts).
 */
import { LESSONS, setClassLessons } from '../../shared/lessons/catalogue.js';
import { CLASS_LESSONS_PATH, readLessonFile } from '../../shared/lessons/lesson-file.js';

export class ClassLessons {
  private read = false;
  private readonly loaded: Promise<void>;

  /** Fetches them at once; `taken`: they are in the catalogue now; `refused`: the file's first problem. */
  constructor(taken: () => void, refused: (problem: string) => void) {
    this.loaded = fetch(`./${CLASS_LESSONS_PATH}`, { cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<unknown>) : null))
      .then((json) => {
        const list = typeof json === 'object' && json !== null && 'lessons' in json ? json.lessons : null;
        if (!Array.isArray(list) || list.length === 0) return;
        const file = readLessonFile(json, LESSONS);
        if ('problems' in file) return refused(file.problems[0] ?? '');
        setClassLessons(file.lessons);
        taken();
      })
      .catch(() => undefined)
      .finally(() => (this.read = true));
  }

  /** Resolves once they are read (or found to be none); null when they are. */
  get pending(): Promise<void> | null {
    return this.read ? null : this.loaded;
  }
}
