/**
 * A start that cannot go on: one line saying what, where and how to fix it (exit 2). Whatever was created
 * before it was thrown (broker, MQTT connection, store) has been closed again.
 */
export class StartupError extends Error {}
