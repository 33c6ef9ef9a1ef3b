import type { ProspectData } from "./prospect-schema.js";

/** A stored prospect. `email` is null only for rows a host inserted without one. */
export interface Prospect extends Omit<ProspectData, "email"> {
  id: string;
  email: string | null;
  createdAt: Date;
  updatedAt: Date;
}
