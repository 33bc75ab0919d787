/**
 * Where the project's repository lives on GitHub. package.json names none yet, so this is the one place
 * the address is written for the tests; the blueprints' source_url, the README's import buttons and the
 * add-on's url must agree with it.
 */
export const REPOSITORY = "https://github.com/localecu/localecu";
export const BRANCH = "main";

/** The raw file GitHub serves, which Home Assistant's blueprint import fetches. */
export const rawUrl = (path: string) =>
  `${REPOSITORY.replace("https://github.com/", "https://raw.githubusercontent.com/")}/${BRANCH}/${path}`;
/** The page of a file in the repository. */
export const blobUrl = (path: string) => `${REPOSITORY}/blob/${BRANCH}/${path}`;
