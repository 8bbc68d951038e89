/** localStorage that never throws: storage full or turned off only means the window forgets. */

export const readLocal = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
export const writeLocal = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage full or off: the session is then forgotten on reload, nothing else
  }
};
