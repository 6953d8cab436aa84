"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { type ApiError, type Priority, type Task, type TaskSummary, forgetToken, ifMatch } from "@/lib/api/client";
import { authClient } from "@/lib/auth-client";
import { useRequiredSession } from "@/lib/session";

import { useApi } from "../api-provider";

const PRIORITIES: readonly Priority[] = ["low", "medium", "high"];
const COUNTS: readonly [keyof TaskSummary, string][] = [
  ["open", "open"],
  ["overdue", "overdue"],
  ["due_today", "due today"],
  ["completed", "completed"],
];

type TaskChanges = Pick<Task, "title" | "priority" | "due_date">;

export default function TasksPage() {
  const api = useApi();
  const session = useRequiredSession();
  const userId = session?.user.id;
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [summary, setSummary] = useState<TaskSummary | null>(null);
  const [error, setError] = useState("");

  const report = (problem: ApiError | undefined) => {
    setError(problem ? `${problem.code}: ${problem.detail}` : "");
    return !problem;
  };

  const load = useCallback(async () => {
    // "Overdue" and "due today" depend on which day it is where the person is, not on the server.
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const [list, counts] = await Promise.all([
      api.GET("/api/tasks/", { params: { query: { ordering: "created_at" } } }),
      api.GET("/api/tasks/summary/", { params: { query: { tz } } }),
    ]);
    if (report(list.error ?? counts.error)) {
      setTasks(list.data!.results);
      setSummary(counts.data!);
    }
  }, [api]);

  useEffect(() => {
    if (userId) void load();
  }, [userId, load]);

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const title = String(new FormData(form).get("title"));
    const { error } = await api.POST("/api/tasks/", { body: { title } });
    if (report(error)) {
      form.reset();
      await load();
    }
  }

  // Each change names the version of the task this page shows (If-Match). If it changed
  // elsewhere since (another tab), the API refuses with 412: say so, and show the task as it now is.
  const afterChange = async (error: ApiError | undefined) => {
    if (error?.code === "precondition_failed") {
      await load();
      report(error);
    } else if (report(error)) {
      await load();
    }
  };
  const version = (task: Task) => ({ path: { id: task.id }, header: { "If-Match": ifMatch(task) } });

  async function toggle(task: Task) {
    const { error } = await api.POST("/api/tasks/{id}/toggle/", { params: version(task) });
    await afterChange(error);
  }

  async function save(task: Task, changes: TaskChanges) {
    const { error } = await api.PATCH("/api/tasks/{id}/", { params: version(task), body: changes });
    await afterChange(error);
  }

  async function remove(task: Task) {
    const { error } = await api.DELETE("/api/tasks/{id}/", { params: version(task) });
    await afterChange(error);
  }

  async function signOut() {
    const { error } = await authClient.signOut();
    if (error) {
      setError(error.message ?? error.statusText);
      return;
    }
    // useRequiredSession leads to the sign-in page once the session store has seen the sign-out.
    forgetToken();
  }

  if (!session) return <main>Loading…</main>;
  return (
    <main data-user-id={session.user.id}>
      <h1>{session.user.name || session.user.email}&apos;s tasks</h1>
      <nav>
        <Link href="/account">Account</Link> · <Link href="/api-keys">API keys</Link>
        <button onClick={signOut}>Sign out</button>
      </nav>
      {summary && (
        <ul id="summary">
          {COUNTS.map(([key, label]) => (
            <li key={key} data-count={key}>
              <strong>{summary[key]}</strong> {label}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <input type="text" name="title" placeholder="New task" aria-label="New task" required maxLength={200} />
        <button type="submit">Add</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {tasks === null ? (
        <p>Loading tasks…</p>
      ) : tasks.length === 0 ? (
        <p id="no-tasks">No tasks yet.</p>
      ) : (
        <ul id="tasks">
          {tasks.map((task) => (
            <TaskItem key={task.id} task={task} onToggle={toggle} onSave={save} onRemove={remove} />
          ))}
        </ul>
      )}
    </main>
  );
}

function TaskItem({ task, onToggle, onSave, onRemove }: {
  task: Task;
  onToggle: (task: Task) => void;
  onSave: (task: Task, changes: TaskChanges) => void;
  onRemove: (task: Task) => void;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <li data-task-id={task.id} className={task.completed ? "completed" : ""}>
      <input type="checkbox" checked={Boolean(task.completed)} onChange={() => onToggle(task)} aria-label="Completed" />
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            setEditing(false);
            onSave(task, {
              title: String(form.get("title")),
              // The select offers only the API's priorities.
              priority: form.get("priority") as Priority,
              // An empty date field clears the due date.
              due_date: String(form.get("due_date")) || null,
            });
          }}
        >
          <input type="text" name="title" defaultValue={task.title} aria-label="Title" required maxLength={200} />
          <select name="priority" defaultValue={task.priority} aria-label="Priority">
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>{priority}</option>
            ))}
          </select>
          <input type="date" name="due_date" defaultValue={task.due_date ?? ""} aria-label="Due date" />
          <button type="submit">Save</button>
        </form>
      ) : (
        <>
          <span className="title">{task.title}</span>
          <span className="priority">{task.priority}</span>
          {task.due_date && <time className="due" dateTime={task.due_date}>due {task.due_date}</time>}
        </>
      )}
      {!editing && <button onClick={() => setEditing(true)}>Edit</button>}
      <button onClick={() => onRemove(task)}>Delete</button>
    </li>
  );
}
