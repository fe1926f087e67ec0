/**
 * The trainer/operator token, entered once in the trainer panel and used for every privileged call
 * (trainer commands, alarm acknowledgements). Session storage: it ends with the browser tab.
 */
export const TOKEN_KEY = 'clusterpulse.trainerToken';

export function readToken(): string {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function writeToken(value: string): void {
  try {
    window.sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // the token then lasts as long as the view that holds it
  }
}
