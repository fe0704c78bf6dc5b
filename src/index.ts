// Rivulet's public API: re-exports only.
export {};
