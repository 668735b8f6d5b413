"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-renders the page's Server Components every `ms` while mounted: live progress without a reload. */
export function AutoRefresh({ ms = 1000 }: { ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), ms);
    return () => clearInterval(timer);
  }, [router, ms]);
  return null;
}
