import { CfnOutput, Lazy, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';

/** What a stack tells its clients at runtime: the base URL of each API, by name. */
export interface RuntimeConfigValues {
  readonly apis: Record<string, string>;
}

/**
 * One per stack: collects the URLs of the APIs in the stack and emits them as a single
 * stack output, `RuntimeConfig`, whose value is the JSON `{"apis":{"<name>":"<url>"}}`.
 *
 * A website or a client reads that output (`aws cloudformation describe-stacks`, or the
 * `--outputs-file` of `cdk deploy`) instead of knowing each API's output by name.
 */
export class RuntimeConfig extends Construct {
  /** The stack's runtime config, created on first use. */
  public static ensure(scope: Construct): RuntimeConfig {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(RuntimeConfig.ID);
    if (existing instanceof RuntimeConfig) return existing;
    return new RuntimeConfig(stack, RuntimeConfig.ID);
  }

  private static readonly ID = 'RuntimeConfig';

  private readonly apis: Record<string, string> = {};

  /** The `RuntimeConfig` stack output; its value is resolved when the stack is synthesized. */
  public readonly output: CfnOutput;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    this.output = new CfnOutput(this, 'Output', {
      description: 'Runtime configuration of this stack: {"apis":{"<api name>":"<base url>"}}',
      value: Lazy.string({
        produce: () => scope.toJsonString({ apis: this.apis } satisfies RuntimeConfigValues),
      }),
    });
    this.output.overrideLogicalId('RuntimeConfig');
  }

  /** Registers the base URL of an API; a name can be registered once per stack. */
  public addApi(name: string, url: string): void {
    if (name in this.apis) {
      throw new Error(`RuntimeConfig: an API named "${name}" is already registered in stack ${Stack.of(this).stackName}`);
    }
    this.apis[name] = url;
  }

  /** A copy of the registered APIs (values may be unresolved tokens). */
  public get config(): RuntimeConfigValues {
    return { apis: { ...this.apis } };
  }
}
