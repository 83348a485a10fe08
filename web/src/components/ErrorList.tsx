import type { ApiError } from "../api/client";

/** The per-field problems of a failed write (problem JSON `errors[]`), one line each: `name: reason`. */
export function ErrorList({ errors }: { errors: ApiError["errors"] }) {
  return (
    <ul>
      {errors.map((x) => (
        <li key={`${x.name}:${x.reason}`}>
          {x.name}: {x.reason}
        </li>
      ))}
    </ul>
  );
}
