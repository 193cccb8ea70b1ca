type Lower = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z'
type NameChar = Lower | Uppercase<Lower> | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '_'

// Each key is a parameter name, with a trailing '?' when find-my-way treats it as optional.
type ParamKeys<Path extends string> =
  Path extends `${string}:${infer Rest}`
    ? Rest extends `:${infer Escaped}` ? ParamKeys<Escaped> : ReadName<Rest, ''>
    : never

type ReadName<Source extends string, Name extends string> =
  Source extends `${infer Char}${infer Tail}`
    ? Char extends NameChar ? ReadName<Tail, `${Name}${Char}`> : AfterName<Name, Source>
    : Name

type AfterName<Name extends string, Rest extends string> =
  Rest extends `(${string})${infer AfterRegex}` ? AfterName<Name, AfterRegex>
    : Rest extends `?${infer Tail}` ? `${Name}?` | ParamKeys<Tail>
      : Name | ParamKeys<Rest>

type Flatten<T> = { [K in keyof T]: T[K] } & {}

/**
 * The path parameters of a route path, as find-my-way matches them: `:name`, `:name(regex)`,
 * several in one segment (`:from-:to`), optional `:name?`, and a trailing wildcard `*`.
 *
 * @example
 * type P = Params<'/users/:userId/posts/:postId'>   // { userId: string; postId: string }
 */
export type Params<Path extends string> = Flatten<
  { [K in ParamKeys<Path> as K extends `${string}?` ? never : K]: string } &
  { [K in ParamKeys<Path> as K extends `${infer Name}?` ? Name : never]?: string } &
  (Path extends `${string}*` ? { '*': string } : unknown)
>
