/**
 * Redfish tasks for long-running actions: a Task resource and a task monitor that answers 202 with Retry-After
 * while the work runs and 200 with the finished Task afterwards.
 */
import { Json, ROOT } from './resources';

export const TASKS_PATH = `${ROOT}/TaskService/Tasks`;
export const TASK_MONITORS_PATH = `${ROOT}/TaskService/TaskMonitors`;

/** Finished tasks are kept for polling; the oldest are forgotten beyond this many. */
const KEPT_TASKS = 2000;

interface Task {
  id: string;
  state: 'Running' | 'Completed' | 'Exception';
  startTime: Date;
  expectedEnd: number;
  endTime?: Date;
  message: string;
}

export class TaskList {
  private readonly tasks = new Map<string, Task>();
  private counter = 0;

  /** Tracks `work`, expected to take about `expectedMs`; returns the new task's id. */
  start(work: Promise<void>, expectedMs: number, message: string): string {
    const task: Task = {
      id: String(++this.counter),
      state: 'Running',
      startTime: new Date(),
      expectedEnd: Date.now() + expectedMs,
      message,
    };
    this.tasks.set(task.id, task);
    if (this.tasks.size > KEPT_TASKS) this.tasks.delete(this.tasks.keys().next().value as string);
    const finish = (state: Task['state']) => () => {
      task.state = state;
      task.endTime = new Date();
    };
    work.then(finish('Completed'), finish('Exception'));
    return task.id;
  }

  ids(): string[] {
    return [...this.tasks.keys()];
  }

  running(id: string): boolean {
    return this.tasks.get(id)?.state === 'Running';
  }

  /** Whole seconds until the task should be done (at least 1), for Retry-After. */
  retryAfter(id: string): string {
    const task = this.tasks.get(id);
    return String(Math.max(1, Math.ceil(((task?.expectedEnd ?? 0) - Date.now()) / 1000)));
  }

  body(id: string): Json | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    return {
      '@odata.id': `${TASKS_PATH}/${task.id}`,
      '@odata.type': '#Task.v1_5_0.Task',
      Id: task.id,
      Name: `Task ${task.id}`,
      TaskState: task.state,
      TaskStatus: task.state === 'Exception' ? 'Critical' : 'OK',
      StartTime: task.startTime.toISOString(),
      ...(task.endTime ? { EndTime: task.endTime.toISOString() } : {}),
      TaskMonitor: `${TASK_MONITORS_PATH}/${task.id}`,
      Messages: [{ MessageId: 'Base.1.8.Success', Message: task.message }],
    };
  }
}
