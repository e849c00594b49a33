import { execute, parse } from 'graphql';
import { Arg, Field, InputType, Query, registerEnumType, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { buildFederatedSchema } from './federation.js';

/** buildFederatedSchema: what a resolver receives is the same whether a client states a value or takes the default. */

enum Shape {
  PIE = 'pie',
  BAR = 'bar',
}
registerEnumType(Shape, { name: 'TestShape', description: 'A chart shape.' });

@InputType('TestChartInput', { description: 'Chart options.' })
class ChartInput {
  @Field(() => [Shape], { defaultValue: [Shape.BAR], description: 'Shapes to draw.' })
  shapes!: Shape[];
}

@Resolver()
class ChartResolver {
  @Query(() => String, { description: 'Echoes the shape the resolver received.' })
  testShape(@Arg('shape', () => Shape, { defaultValue: Shape.PIE, description: 'The shape.' }) shape: Shape): string {
    return shape;
  }

  @Query(() => [String], { description: 'Echoes the shapes of the input the resolver received.' })
  testShapes(@Arg('input', () => ChartInput, { description: 'The options.' }) input: ChartInput): string[] {
    return input.shapes;
  }
}

describe('buildFederatedSchema', () => {
  it('passes enum defaults of arguments and input fields as their internal values', async () => {
    const schema = await buildFederatedSchema({ resolvers: [ChartResolver] });
    const run = async (query: string) => (await execute({ schema, document: parse(query) })).data;
    expect(await run('{ testShape(shape: BAR) }')).toEqual({ testShape: 'bar' });
    expect(await run('{ testShape }')).toEqual({ testShape: 'pie' });
    expect(await run('{ testShapes(input: {}) }')).toEqual({ testShapes: ['bar'] });
  });
});
