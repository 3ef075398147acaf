import { useCallback, useEffect, useState } from "react";
import { asProblem, type Problem } from "./api/problems";

interface Fetched<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * What `load` returns, loaded again whenever `key` changes, and every `pollMs`
 * while `poll` says so (an order still pending, say).
 */
export function useServiceData<T>(
  load: () => Promise<Fetched<T>>,
  key: string,
  poll?: { everyMs: number; while: (data: T) => boolean },
) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // `key` stands for everything `load` reads: a new key, a new load.
  const reload = useCallback(load, [key]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function fetchOnce() {
      const { data: loaded, error, response } = await reload();
      if (stopped) {
        return;
      }
      if (loaded === undefined) {
        setProblem(asProblem(error, response.status));
        return;
      }
      setProblem(null);
      setData(loaded);
      if (poll && poll.while(loaded)) {
        timer = setTimeout(() => void fetchOnce(), poll.everyMs);
      }
    }
    void fetchOnce();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // Only a new `reload` starts over; the poll rule is read afresh at each round.
  }, [reload]);

  return { data, problem };
}
