"use client";

import { createContext, useContext, useMemo } from "react";

import { type Api, createApi } from "@/lib/api/client";

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ apiUrl, children }: { apiUrl: string; children: React.ReactNode }) {
  const api = useMemo(() => createApi(apiUrl), [apiUrl]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi() needs <ApiProvider> above it");
  return api;
}
