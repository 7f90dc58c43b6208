import type { Backend, CallOptions, ListedObject, ListPage } from './backend.js'
import type { S3Path } from './url.js'

/** Every page of a listing, in order. */
export async function* listAll(
  backend: Backend,
  path: S3Path,
  delimiter: string,
  options?: CallOptions,
): AsyncGenerator<ListPage> {
  let token = ''
  do {
    const page = await backend.listPage(path, delimiter, token, 1000, options)
    yield page
    token = page.nextToken ?? ''
  } while (token !== '')
}

/** Every object under a prefix, recursively. */
export async function listObjects(backend: Backend, path: S3Path, options?: CallOptions): Promise<ListedObject[]> {
  const objects: ListedObject[] = []
  for await (const page of listAll(backend, path, '', options)) objects.push(...page.objects)
  return objects
}
