import { Type } from 'typebox';
import {
  ApiKeyInfo,
  CreatedKeyResponse,
  KeyListResponse,
  type CreateKeyRequest,
} from '@sightline/model/api/auth';
import { apiGet, apiPost, apiSend } from '../api.ts';

export const listKeys = (signal?: AbortSignal) => apiGet(KeyListResponse, '/keys', {}, signal);
export const createKey = (input: CreateKeyRequest) => apiPost(CreatedKeyResponse, '/keys', input);
export const revokeKey = (id: string) =>
  apiSend(Type.Object({ key: ApiKeyInfo }), 'DELETE', `/keys/${encodeURIComponent(id)}`);
