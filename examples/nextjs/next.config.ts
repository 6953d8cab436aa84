import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Keep the build to this folder (the repository holds other lockfiles).
  turbopack: { root: __dirname },
};

export default nextConfig;
