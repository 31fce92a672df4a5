import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RegistryContext } from './context';
import { Allow, ANY_ROLE } from '../../graphql/shared';
import { Department, DocumentTypeInfo, KinshipRole, LogroDimension, Municipality, SisbenSubgroupInfo, VictimizingEvent } from './referenceTypes';

@Resolver()
export class ReferenceResolver {
  @Allow(...ANY_ROLE)
  @Query(() => [Department], { description: 'The 33 DIVIPOLA departments (Bogotá D.C. included).' })
  departments(@Ctx() ctx: RegistryContext) {
    return ctx.services.reference.departments();
  }

  @Allow(...ANY_ROLE)
  @Query(() => [Municipality], { description: 'DIVIPOLA municipal units, optionally of one department.' })
  municipalities(
    @Arg('department', () => String, { nullable: true, description: 'DANE department code, e.g. "05".' }) department: string | undefined,
    @Ctx() ctx: RegistryContext,
  ) {
    return ctx.services.reference.municipalities(department);
  }

  @Allow(...ANY_ROLE)
  @Query(() => [DocumentTypeInfo])
  documentTypes(@Ctx() ctx: RegistryContext) {
    return ctx.services.reference.documentTypes();
  }

  @Allow(...ANY_ROLE)
  @Query(() => [SisbenSubgroupInfo], { description: 'The 51 Sisbén IV subgroups.' })
  sisbenSubgroups(@Ctx() ctx: RegistryContext) {
    return ctx.services.reference.sisbenSubgroups();
  }

  @Allow(...ANY_ROLE)
  @Query(() => [VictimizingEvent], { description: 'Hechos victimizantes (RUV codes).' })
  victimizingEvents(@Ctx() ctx: RegistryContext) {
    return ctx.services.reference.victimizingEvents();
  }

  @Allow(...ANY_ROLE)
  @Query(() => [KinshipRole], { description: 'Parentesco codes (Sisbén IV / UNIDOS).' })
  kinshipRoles(@Ctx() ctx: RegistryContext) {
    return ctx.services.reference.kinshipRoles();
  }

  @Allow(...ANY_ROLE)
  @Query(() => [LogroDimension], { description: 'The 9 dimensions (+ displaced category) and 45 Logros Básicos of Red JUNTOS.' })
  logroDimensions(@Ctx() ctx: RegistryContext) {
    return ctx.services.reference.logroDimensions();
  }
}

@Resolver(() => Municipality)
export class MunicipalityResolver {
  @FieldResolver(() => Department)
  department(@Root() m: Municipality, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.department(m.departmentCode);
  }
}
