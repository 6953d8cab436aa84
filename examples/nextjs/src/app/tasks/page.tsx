"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { type ApiError, type Task, forgetToken } from "@/lib/api/client";
import { authClient } from "@/lib/auth-client";
import { useRequiredSession } from "@/lib/session";

import { useApi } from "../api-provider";

export default function TasksPage() {
  const api = useApi();
  const session = useRequiredSession();
  const userId = session?.user.id;
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState("");

  const report = (problem: ApiError | undefined) => {
    setError(problem ? `${problem.code}: ${problem.detail}` : "");
    return !problem;
  };

  const load = useCallback(async () => {
    const { data, error } = await api.GET("/api/tasks/", { params: { query: { ordering: "created_at" } } });
    if (report(error)) setTasks(data!.results);
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

  async function toggle(task: Task) {
    const { error } = await api.POST("/api/tasks/{id}/toggle/", { params: { path: { id: task.id } } });
    if (report(error)) await load();
  }

  async function rename(task: Task, title: string) {
    const { error } = await api.PATCH("/api/tasks/{id}/", { params: { path: { id: task.id } }, body: { title } });
    if (report(error)) await load();
  }

  async function remove(task: Task) {
    const { error } = await api.DELETE("/api/tasks/{id}/", { params: { path: { id: task.id } } });
    if (report(error)) await load();
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
        <Link href="/account">Account</Link>
        <button onClick={signOut}>Sign out</button>
      </nav>
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
            <TaskItem key={task.id} task={task} onToggle={toggle} onRename={rename} onRemove={remove} />
          ))}
        </ul>
      )}
    </main>
  );
}

function TaskItem({ task, onToggle, onRename, onRemove }: {
  task: Task;
  onToggle: (task: Task) => void;
  onRename: (task: Task, title: string) => void;
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
            setEditing(false);
            onRename(task, String(new FormData(event.currentTarget).get("title")));
          }}
        >
          <input type="text" name="title" defaultValue={task.title} aria-label="Title" required maxLength={200} />
          <button type="submit">Save</button>
        </form>
      ) : (
        <span className="title">{task.title}</span>
      )}
      {!editing && <button onClick={() => setEditing(true)}>Edit</button>}
      <button onClick={() => onRemove(task)}>Delete</button>
    </li>
  );
}
