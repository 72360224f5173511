// Types for admission-gate.mjs (the project compiles TypeScript only).
import type { IncomingMessage, ServerResponse } from "node:http";

export type AdmissionSettings = { maxConcurrent: number; maxQueued: number; maxWaitMs: number };
export type AdmissionStats = { active: number; downloading: number; queued: number; started: number; abandoned: number; rejectedFull: number; rejectedWait: number };
export type AdmissionGate = {
  admit(req: IncomingMessage, res: ServerResponse, handle: () => unknown): void;
  stats(): AdmissionStats;
  idle(): Promise<void>;
};

export const BYPASS_PATH_PREFIXES: readonly string[];
export const DEFAULT_ADMISSION: AdmissionSettings;
export function admissionSettingsFrom(source?: Record<string, string | undefined>): AdmissionSettings;
export function pathOf(url?: string): string;
export function bypassesGate(url?: string): boolean;
export function answerBusy(res: ServerResponse, detail: string, retryAfterSeconds: number, heading?: string): void;
export function runHandler(req: IncomingMessage, res: ServerResponse, handle: () => unknown, onError: (error: unknown, req: IncomingMessage) => void): void;
export function createAdmissionGate(settings?: AdmissionSettings, options?: { onError?: (error: unknown, req: IncomingMessage) => void }): AdmissionGate;
