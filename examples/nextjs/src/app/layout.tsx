import { connection } from "next/server";

import { ApiProvider } from "./api-provider";
import "./globals.css";

export const metadata = { title: "Todo (Next.js + Better Auth)" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, so API_URL is read when the server runs, not frozen
  // at build time as NEXT_PUBLIC_* variables are: one build serves any API.
  await connection();
  const apiUrl = (process.env.API_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
  return (
    <html lang="en">
      <body>
        <ApiProvider apiUrl={apiUrl}>{children}</ApiProvider>
      </body>
    </html>
  );
}
