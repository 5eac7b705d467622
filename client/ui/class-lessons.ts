/**
 * The class's own lessons (heloterm --lessons), served beside the page: listed after the built-in ones once here; and
 * its own quiz questions, asked beside the built-in ones.
 * Read as any input: a file the bridge checked, but a page does not take it on trust (shared/lessons/lesson-file.ts).
 */
import { LESSONS, setClassLessons } from '../../shared/lessons/catalogue.js';
import { CLASS_LESSONS_PATH, readLessonFile } from '../../shared/lessons/lesson-file.js';
import { setClassQuestions } from '../../shared/lessons/quiz.js';

export class ClassLessons {
  private read = false;
  private readonly loaded: Promise<void>;

  /** Fetches them at once; `taken`: they are in the catalogue now; `refused`: the file's first problem. */
  constructor(taken: () => void, refused: (problem: string) => void) {
    this.loaded = fetch(`./${CLASS_LESSONS_PATH}`, { cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<unknown>) : null))
      .then((json) => {
        const list = typeof json === 'object' && json !== null && 'lessons' in json ? json.lessons : null;
        const quiz = typeof json === 'object' && json !== null && 'quiz' in json ? json.quiz : undefined;
        if ((!Array.isArray(list) || list.length === 0) && quiz === undefined) return;
        // An empty list of lessons beside questions is a file of questions alone.
        const file = readLessonFile(Array.isArray(list) && list.length === 0 ? { quiz } : json, LESSONS);
        if ('problems' in file) return refused(file.problems[0] ?? '');
        setClassQuestions(file.quiz);
        if (file.lessons.length === 0) return;
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
