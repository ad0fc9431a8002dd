import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';
import type { Diagnostic } from 'yaml-language-server';

/**
 * What an editor running yaml-language-server (VS Code's YAML extension, Neovim, Helix)
 * shows for a manifest on disk: the schema is the one its `# yaml-language-server:
 * $schema=...` modeline names, read from disk as the editor would, with nothing else
 * configured. A schema it cannot fetch shows as a diagnostic ("Unable to load schema").
 */
export async function editorDiagnostics(file: string): Promise<Diagnostic[]> {
  const service = getLanguageService({
    schemaRequestService: (uri) => Promise.resolve(fs.readFileSync(fileURLToPath(uri), 'utf8')),
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
  });
  service.configure({ validate: true, yamlVersion: '1.2' });
  const document = TextDocument.create(pathToFileURL(file).href, 'yaml', 1, fs.readFileSync(file, 'utf8'));
  return service.doValidation(document, false);
}
