/**
 * The class's own lessons (heloterm --lessons), served beside the page: listed after the built-in ones once here; and
 * its own quiz questions, asked beside the built-in ones.
 * Read as any input: a file the bridge checked, but a page does not take it on trust (shared/lessons/lesson-file.ts).
 */
import { LESSONS, setClassLessons } from '../../shared/lessons/catalogue.js';
import { CLASS_LESSONS_PATH, readLessonFile } from '../../shared/lessons/lesson-file.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import { setClassQuestions, type QuizQuestion } from '../../shared/lessons/quiz.js';

export class ClassLessons {
  private read = false;
  private readonly loaded: Promise<void>;

  /** Fetches them at once; `taken`: they are in the catalogue now; `refused`: the file's first problem. */
  constructor(taken: () => void, refused: (problem: string) => void) {
    this.loaded = fetch(`./${CLASS_LESSONS_PATH}`, { cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<unknown>) : null))
      .then((json) => {
        const file = servedLessons(json);
        if (file === null) return;
        if ('problem' in file) return refused(file.problem);
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

/**
 * What /lessons.json served: the class's lessons and quiz questions, read as a lesson file (an empty list of lessons
 * beside questions is a file of questions alone); its first problem; or null when it has neither.
 */
export function servedLessons(json: unknown): { lessons: Lesson[]; quiz: QuizQuestion[] } | { problem: string } | null {
  const list = typeof json === 'object' && json !== null && 'lessons' in json ? json.lessons : null;
  const quiz = typeof json === 'object' && json !== null && 'quiz' in json ? json.quiz : undefined;
  if ((!Array.isArray(list) || list.length === 0) && quiz === undefined) return null;
  const file = readLessonFile(Array.isArray(list) && list.length === 0 ? { quiz } : json, LESSONS);
  return 'problems' in file ? { problem: file.problems[0] ?? '' } : file;
}
