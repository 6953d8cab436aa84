"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import {
  type ApiError,
  type Organization,
  type OrganizationTask,
  type Priority,
  type Task,
  type TaskSummary,
  forgetToken,
  ifMatch,
} from "@/lib/api/client";
import { authClient } from "@/lib/auth-client";
import { useRequiredSession } from "@/lib/session";

import { useApi } from "../api-provider";
import { OrganizationTools, PendingInvitation } from "./organizations";

const PRIORITIES: readonly Priority[] = ["low", "medium", "high"];
const COUNTS: readonly [keyof TaskSummary, string][] = [
  ["open", "open"],
  ["overdue", "overdue"],
  ["due_today", "due today"],
  ["completed", "completed"],
];

// A task of either list: an organization's also says who created it.
type AnyTask = Task | OrganizationTask;
type TaskChanges = Pick<AnyTask, "title" | "priority" | "due_date">;
// The list shown: the person's own ("personal") or an organization's, by its id.
const PERSONAL = "personal";

export default function TasksPage() {
  const api = useApi();
  const session = useRequiredSession();
  const userId = session?.user.id;
  const [tasks, setTasks] = useState<AnyTask[] | null>(null);
  const [summary, setSummary] = useState<TaskSummary | null>(null);
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [list, setList] = useState(PERSONAL);
  // The list whose tasks `tasks` holds, once loaded (the page shows it as data-list).
  const [loadedList, setLoadedList] = useState<string | null>(null);
  const [error, setError] = useState("");
  const organization = organizations.find((o) => o.id === list);

  const report = (problem: ApiError | undefined) => {
    setError(problem ? `${problem.code}: ${problem.detail}` : "");
    return !problem;
  };

  const loadOrganizations = useCallback(async () => {
    const { data, error } = await api.GET("/api/orgs/");
    if (report(error)) setOrganizations(data!);
  }, [api]);

  const load = useCallback(async () => {
    if (list !== PERSONAL) {
      const org_id = list;
      const page = await api.GET("/api/orgs/{org_id}/tasks/", {
        params: { path: { org_id }, query: { ordering: "created_at" } },
      });
      if (report(page.error)) {
        setTasks(page.data!.results);
        setSummary(null);
        setLoadedList(org_id);
      }
      return;
    }
    // "Overdue" and "due today" depend on which day it is where the person is, not on the server.
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const [page, counts] = await Promise.all([
      api.GET("/api/tasks/", { params: { query: { ordering: "created_at" } } }),
      api.GET("/api/tasks/summary/", { params: { query: { tz } } }),
    ]);
    if (report(page.error ?? counts.error)) {
      setTasks(page.data!.results);
      setSummary(counts.data!);
      setLoadedList(PERSONAL);
    }
  }, [api, list]);

  useEffect(() => {
    if (userId) void loadOrganizations();
  }, [userId, loadOrganizations]);

  useEffect(() => {
    if (userId) void load();
  }, [userId, load]);

  // Each change goes to the list shown: the person's own tasks, or the organization's.
  const org_id = list;
  const personal = list === PERSONAL;

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const title = String(new FormData(form).get("title"));
    const { error } = personal
      ? await api.POST("/api/tasks/", { body: { title } })
      : await api.POST("/api/orgs/{org_id}/tasks/", { params: { path: { org_id } }, body: { title } });
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
  const version = (task: AnyTask) => ({ "If-Match": ifMatch(task) });

  async function toggle(task: AnyTask) {
    const { id } = task;
    const header = version(task);
    const { error } = personal
      ? await api.POST("/api/tasks/{id}/toggle/", { params: { path: { id }, header } })
      : await api.POST("/api/orgs/{org_id}/tasks/{id}/toggle/", { params: { path: { org_id, id }, header } });
    await afterChange(error);
  }

  async function save(task: AnyTask, changes: TaskChanges) {
    const { id } = task;
    const header = version(task);
    const { error } = personal
      ? await api.PATCH("/api/tasks/{id}/", { params: { path: { id }, header }, body: changes })
      : await api.PATCH("/api/orgs/{org_id}/tasks/{id}/", { params: { path: { org_id, id }, header }, body: changes });
    await afterChange(error);
  }

  async function remove(task: AnyTask) {
    const { id } = task;
    const header = version(task);
    const { error } = personal
      ? await api.DELETE("/api/tasks/{id}/", { params: { path: { id }, header } })
      : await api.DELETE("/api/orgs/{org_id}/tasks/{id}/", { params: { path: { org_id, id }, header } });
    await afterChange(error);
  }

  /** After a change in Better Auth (an organization made or joined): the API's list of them, then that one shown. */
  async function showOrganization(organizationId: string) {
    await loadOrganizations();
    setList(organizationId);
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
    <main data-user-id={session.user.id} data-list={loadedList ?? ""}>
      <h1>{session.user.name || session.user.email}&apos;s tasks</h1>
      <nav>
        <Link href="/account">Account</Link> · <Link href="/api-keys">API keys</Link>
        <button onClick={signOut}>Sign out</button>
      </nav>
      <label>
        List{" "}
        <select id="list-switcher" value={list} onChange={(event) => setList(event.target.value)}>
          <option value={PERSONAL}>My tasks</option>
          {organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name || o.id} ({o.role})
            </option>
          ))}
        </select>
      </label>
      <PendingInvitation onJoined={showOrganization} onError={setError} />
      <OrganizationTools organization={organization} onCreated={showOrganization} onError={setError} />
      {personal && summary && (
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
  task: AnyTask;
  onToggle: (task: AnyTask) => void;
  onSave: (task: AnyTask, changes: TaskChanges) => void;
  onRemove: (task: AnyTask) => void;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <li
      data-task-id={task.id}
      data-created-by={"created_by" in task ? (task.created_by ?? "") : undefined}
      className={task.completed ? "completed" : ""}
    >
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
