import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

/** An action XState hands back instead of executing it. */
export interface ExecutableAction {
  readonly type: string;
  readonly params?: unknown;
}

/** The pure transition functions of one machine. */
export interface PureTransition {
  initial(input: unknown): [AnyMachineSnapshot, ExecutableAction[]];
  next(snapshot: AnyMachineSnapshot, event: unknown): [AnyMachineSnapshot, ExecutableAction[]];
}

/**
 * XState's pure `initialTransition`/`transition`, with one inert actor scope per machine instead
 * of a new one per call (XState builds an actor, and the machine's initial snapshot, on every
 * call). The scope executes nothing: actions are collected and returned, exactly as XState's own
 * functions do. Journeys invoke and spawn no actors, so the scope's system stays empty.
 */
export function pureTransition(machine: AnyStateMachine): PureTransition {
  let collected: ExecutableAction[] = [];
  let scope: AnyActorScope | undefined;
  const actorScope = (): AnyActorScope => {
    if (!scope) {
      // Building the actor runs the machine's initial snapshot once without input; a context
      // factory that needs input fails there, which XState records on the inert actor only.
      const self = createActor(machine);
      scope = {
        self,
        defer: () => {},
        id: '',
        logger: () => {},
        sessionId: '',
        stopChild: () => {},
        system: self.system,
        emit: () => {},
        actionExecutor: (action: ExecutableAction) => {
          collected.push(action);
        },
      } as unknown as AnyActorScope;
    }
    return scope;
  };
  const run = (fn: (s: AnyActorScope) => AnyMachineSnapshot): [AnyMachineSnapshot, ExecutableAction[]] => {
    const s = actorScope();
    collected = [];
    const snapshot = fn(s);
    const actions = collected;
    collected = [];
    return [snapshot, actions];
  };
  return {
    initial: (input) => run((s) => machine.getInitialSnapshot(s, input) as AnyMachineSnapshot),
    next: (snapshot, event) => run((s) => machine.transition(snapshot, event as never, s) as AnyMachineSnapshot),
  };
}
