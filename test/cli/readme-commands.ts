/** The `npx localecu …` command lines in README.md's sh blocks, as a user would paste them. */
import { readFileSync } from "node:fs";

const README = new URL("../../README.md", import.meta.url);

/** Argument lists (after `npx localecu`) of the README's commands starting with `npx localecu <sub>`. */
export function readmeCommands(sub: string): string[][] {
  const text = readFileSync(README, "utf8");
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.split("\n"))
    .filter((line) => line.startsWith(`npx localecu ${sub} `))
    .map((line) =>
      line
        .replace(/\s+#.*$/, "")
        .trim()
        .split(/\s+/)
        .slice(2),
    );
}
