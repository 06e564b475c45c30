import jwt from "jsonwebtoken";

export function formatGreeting(name: string): string {
  return `Hello, ${name}`;
}

export function issueToken(userId: string, secret: string): string {
  return jwt.sign({ sub: userId }, secret, { expiresIn: "1h" });
}
